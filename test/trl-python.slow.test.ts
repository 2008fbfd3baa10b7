/**
 * The "Export to TRL" scripts are Python: every preset's script must at least parse (ast.parse),
 * and its GRPOConfig(...) call must name each argument once. Skipped where python3 is missing.
 * (Node-side, because the app's tsconfig has no Node types; the mapping itself is checked in
 * src/engine/export/trl.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PRESET_IDS, applyPreset } from '../src/engine/presets';
import { rlExportRefusal, trlScript } from '../src/engine/export/trl';

const python = spawnSync('python3', ['--version']).status === 0;

const CHECK = `
import ast, sys
tree = ast.parse(sys.stdin.read())
calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "GRPOConfig"]
assert len(calls) == 1, "one GRPOConfig call"
names = [k.arg for k in calls[0].keywords]
assert len(names) == len(set(names)), "duplicate arguments"
funcs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
trainer = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "GRPOTrainer"][0]
rf = [k.value for k in trainer.keywords if k.arg == "reward_funcs"][0]
missing = [e.id for e in rf.elts if e.id not in funcs]
assert not missing, f"undefined reward functions {missing}"
print(",".join(sorted(names)))
`;

// Supervised presets (sft, rft) get no GRPO script: trlScript refuses them (trl.test.ts checks the sentence).
const RL_PRESETS = PRESET_IDS.filter((id) => rlExportRefusal(applyPreset(id)) === null);

describe.skipIf(!python)('Export to TRL writes valid Python', () => {
  it('covers every RL preset and only those', () => {
    expect(RL_PRESETS.length).toBeGreaterThan(8);
    expect(RL_PRESETS).not.toContain('sft');
  });
  for (const id of RL_PRESETS) {
    it(id, () => {
      const out = spawnSync('python3', ['-c', CHECK], { input: trlScript(applyPreset(id), { runName: `it's "${id}"` }), encoding: 'utf8' });
      expect(out.stderr).toBe('');
      expect(out.status).toBe(0);
      const args = out.stdout.trim().split(',');
      for (const a of ['beta', 'epsilon', 'epsilon_high', 'num_generations', 'loss_type', 'scale_rewards', 'learning_rate', 'temperature', 'max_completion_length', 'num_iterations', 'importance_sampling_level']) {
        expect(args).toContain(a);
      }
    });
  }
});
