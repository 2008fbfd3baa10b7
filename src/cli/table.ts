/**
 * npm run table [-- --dir runs/table --at 50,100,200,300]
 * Prints the README's learning table (Markdown) from the finished runs of
 * scripts/learning-table.sh, then the reward-hacking run's reward-against-accuracy table.
 */
import { runCli } from './args';
import { hackingSummary, labelRank, learningTable } from './learningTable';
import { USAGE, finishedRuns, parseTableArgs } from './tableArgs';

/** The run scripts/learning-table.sh makes with the hackable reward on. */
const HACK_LABEL = 'hack';

runCli(USAGE, async () => {
  const args = parseTableArgs(process.argv.slice(2));
  const runs = await finishedRuns(args.dir);
  const at = args.at.split(',').map(Number);
  runs.sort((a, b) => labelRank(a.label) - labelRank(b.label) || a.label.localeCompare(b.label) || a.seed - b.seed); // two variants of one preset tie on rank
  process.stdout.write(`${learningTable(runs.filter((r) => r.label !== HACK_LABEL), at)}\n`);
  const hack = runs.find((r) => r.label === HACK_LABEL);
  if (hack) process.stdout.write(`\n${hackingSummary(hack)}\n`);
});
