import { percentRows, topPatchesText } from '../../lib/attentionText';

/**
 * The attention heatmap's numbers as text: the three patches with the most attention in a
 * sentence, and every patch's share in a table behind a disclosure (keyboard: Tab to it, Enter).
 * The heatmap's cells only show theirs on hover.
 */
export function AttentionWeights({ grid, weights, testId = 'attention-weights' }: { grid: number; weights: readonly number[]; testId?: string }) {
  return (
    <div className="attention-weights" data-testid={testId}>
      <p data-testid={`${testId}-top`}>Most attention (patches counted from the top-left): {topPatchesText(weights, grid)}.</p>
      <details>
        <summary>
          All {grid * grid} patch weights, in percent
        </summary>
        <table className="attention-table">
          <caption>Share of the attention on each image patch (rows top to bottom, columns left to right)</caption>
          <thead>
            <tr>
              <th scope="col">patch</th>
              {Array.from({ length: grid }, (_, c) => (
                <th key={c} scope="col">
                  column {c + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {percentRows(weights, grid).map((row, r) => (
              <tr key={r}>
                <th scope="row">row {r + 1}</th>
                {row.map((v, c) => (
                  <td key={c}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
