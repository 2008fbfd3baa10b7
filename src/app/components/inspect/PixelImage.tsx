import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  /** [size, size, 3] row-major RGB in [0, 1]. */
  image: Float32Array;
  size: number;
  /** CSS pixels per image pixel (crisp: no smoothing). */
  scale?: number;
  label: string;
  /** Attention over the patches, grid x grid in raster order, drawn on top (the largest fully opaque). */
  overlay?: { grid: number; weights: readonly number[] } | null;
  testId?: string;
  /** Drawn over the image, e.g. a task's answers (an absolutely placed SVG). */
  children?: ReactNode;
}

/** A task image scaled up pixel-crisp, optionally with an attention heatmap over its patches. */
export function PixelImage({ image, size, scale = 6, label, overlay, testId, children }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const data = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      for (let c = 0; c < 3; c++) data.data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, image[i * 3 + c] ?? 0)) * 255);
      data.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
  }, [image, size]);
  const px = size * scale;
  const max = overlay ? Math.max(1e-9, ...overlay.weights) : 1;
  return (
    <div className="pixel-image" style={{ width: px, height: px }} data-testid={testId}>
      <canvas ref={ref} width={size} height={size} style={{ width: px, height: px }} role="img" aria-label={label} />
      {overlay && (
        <svg className="attention-overlay" viewBox={`0 0 ${overlay.grid} ${overlay.grid}`} width={px} height={px} data-testid="attention-overlay" aria-hidden="true">
          {overlay.weights.map((w, p) => (
            <rect key={p} x={p % overlay.grid} y={Math.floor(p / overlay.grid)} width={1} height={1} className="attention-cell" style={{ fillOpacity: 0.6 * (w / max) }} data-weight={w}>
              <title>{`patch ${p}: ${(w * 100).toFixed(1)}% of the attention`}</title>
            </rect>
          ))}
        </svg>
      )}
      {children}
    </div>
  );
}
