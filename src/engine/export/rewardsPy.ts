/**
 * The reward functions as one Python module (standard library only), written into the bundle
 * as rewards.py: a line-for-line port of src/engine/rewards (parse.ts, functions.ts) and of each
 * task's scoreSteps (src/engine/tasks/*.ts), on words instead of token ids. The playground's
 * tokenizer is word-level, so its text (decode with keepPad) split on whitespace is the token
 * sequence. test/export-bundle.slow.test.ts runs it with python3 on a few hundred sampled
 * responses and requires the TypeScript scores exactly.
 *
 * On top, adapters for the trainers: TRL's reward-function signature (completions + dataset
 * columns as kwargs, TRL v1.9.0 trl/trainer/grpo_trainer.py) and EasyR1's batch reward
 * function (list of {response, response_length, ground_truth}, hiyouga/EasyR1
 * verl/workers/reward/function.py, REWARD_TYPE = "batch" as in examples/reward_function/math.py).
 * A real model's decoded text has no "<eos>" word: the adapters add one unless the completion
 * used its whole budget (then it was cut off, as a playground response without <eos> is).
 */
import type { RunConfig } from '../config';
import { GATEABLE_REWARDS, REWARD_NAMES, type GateableReward, type RewardCombine, type RewardName } from '../rewards';
import { GRID, IOU_CORRECT, type BoxReward } from '../tasks/box';
import { COLORS, SPECIAL_TOKENS, VOCAB } from '../tokenizer';

const pyList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

export interface RewardsPyOptions {
  maxNewTokens: number;
  lengthCache: number;
  weights: Partial<Record<RewardName, number>>;
  /** Gated functions (paid only on a right answer) and sum or product: combineRewards in src/engine/rewards. */
  gated?: Partial<Record<GateableReward, boolean>>;
  combine?: RewardCombine;
  /** How a box task's (locate's) accuracy is paid (rewards.box); default IoU. */
  box?: BoxReward;
}

export function rewardsPyOptions(c: RunConfig): RewardsPyOptions {
  return { maxNewTokens: c.sampling.maxNewTokens, lengthCache: c.rewards.overlongCache, weights: c.rewards.weights, gated: c.rewards.gated, combine: c.rewards.combine, box: c.rewards.box };
}

const num = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x).replace('e+', 'e'));

/** rewards.py for a run: the scoring core, the run's constants, and the trainer adapters. */
export function rewardsPy(o: RewardsPyOptions): string {
  const weights = REWARD_NAMES.map((n) => `    ${JSON.stringify(n)}: ${num(o.weights[n] ?? 0)},`).join('\n');
  const gated = GATEABLE_REWARDS.filter((n) => o.gated?.[n] === true);
  return String.raw`"""RFT Playground's reward functions in Python (standard library only).

A port of src/engine/rewards (parse.ts, functions.ts, stepgrpo.ts) and of each task's
scoreSteps, keySteps and validReasoning (src/engine/tasks/*.ts). Responses are lists of words: the playground's tokenizer is
word-level, so a response's text split on whitespace is its token sequence.

    python3 check_rewards.py      # re-checks these functions against the TypeScript scores

Adapters: accuracy_reward, format_reward, step_reward, length_reward, hackable_reward,
stepRAR_reward, stepRVR_reward, action_reward, distance_reward take
TRL's reward-function arguments (completions, completion_ids, dataset columns as kwargs);
total_reward is the run's whole reward (gated terms, sum or product) for TRL; compute_score
takes EasyR1's batch reward inputs.
"""

import json
import math
import re

# ---- this run's constants (written by the exporter)
MAX_COMPLETION_LENGTH = ${o.maxNewTokens}  # sampling.maxNewTokens (L_max)
L_CACHE = ${o.lengthCache}  # rewards.overlongCache (DAPO's soft overlong band)
WEIGHTS = {  # rewards.weights: each function's term is weight x value
${weights}
}
GATED = frozenset(${pyList(gated)})  # rewards.gated: these terms are paid only when the answer is right
COMBINE = ${JSON.stringify(o.combine ?? 'sum')}  # rewards.combine: "sum" or "product" of the terms
BOX_REWARD = ${JSON.stringify(o.box ?? 'iou')}  # rewards.box: how locate's box answers are paid ("iou", "iou50" or "recall")

SPECIAL = frozenset(${pyList(SPECIAL_TOKENS)})
VOCAB = frozenset(${pyList(VOCAB)})
COLORS = ${pyList(COLORS)}
_NUMBER = re.compile(r"[0-9]+")


def _index(xs, x, start=0):
    try:
        return xs.index(x, start)
    except ValueError:
        return -1


def _plain(w):
    """A word that may stand in the trace or as the answer: in the vocabulary, not a tag or <pad>."""
    return w in VOCAB and w not in SPECIAL


def parse_response(words, answer_length=1):
    """src/engine/rewards/parse.ts: the grammar <think> trace </think> <answer> X </answer> <eos>, X being answer_length words."""
    eos_at = _index(words, "<eos>")
    eos_reached = eos_at >= 0
    body = list(words[:eos_at]) if eos_reached else list(words)
    think = _index(body, "<think>")
    think_end = -1 if think < 0 else _index(body, "</think>", think + 1)
    trace = None if think_end < 0 else body[think + 1:think_end]
    open_ = _index(body, "<answer>")
    close = -1 if open_ < 0 else _index(body, "</answer>", open_ + 1)
    inner = [] if close < 0 else body[open_ + 1:close]
    answer = " ".join(inner) if inner else None
    well_formed = (
        eos_reached
        and think == 0
        and trace is not None
        and all(_plain(w) for w in trace)
        and open_ == think_end + 1
        and close == open_ + 1 + answer_length
        and close == len(body) - 1
        and all(_plain(w) for w in inner)
    )
    return {
        "trace": trace,
        "answer": answer,
        "well_formed": bool(well_formed),
        "eos_reached": eos_reached,
        "length": eos_at + 1 if eos_reached else len(words),
    }


# ---- each task's process reward (scoreSteps)

def _steps_count(answer, gold_trace, trace):
    if len(trace) == 0:
        return 0.0
    n = int(answer)
    expected = ["0"] if n == 0 else [str(i + 1) for i in range(n)]
    in_order = all(i < len(trace) and trace[i] == w for i, w in enumerate(expected))
    stops_at_n = trace[-1] == answer
    return (int(in_order) + int(stops_at_n)) / 2


def _num(w):
    return int(w) if w is not None and _NUMBER.fullmatch(w) else None


def _equations(trace):
    out = []
    i = 0
    while i + 4 < len(trace):
        if trace[i + 1] == "+" and trace[i + 3] == "=":
            out.append([_num(trace[i]), _num(trace[i + 2]), _num(trace[i + 4])])
            i += 5
        else:
            i += 1
    return out


def _steps_digit_sum(answer, gold_trace, trace):
    gold = _equations(gold_trace)
    got = _equations(trace)
    steps = 0
    right = 0
    for k, eq in enumerate(gold):
        for slot in range(0 if k == 0 else 1, 3):
            steps += 1
            if k < len(got) and got[k][slot] == eq[slot]:
                right += 1
    return 0.0 if steps == 0 else right / steps


def _steps_compare(answer, gold_trace, trace):
    steps = 0
    right = 0
    for i in range(0, len(gold_trace) - 1, 2):
        steps += 1
        at = _index(trace, gold_trace[i])
        if at >= 0 and at + 1 < len(trace) and trace[at + 1] == gold_trace[i + 1]:
            right += 1
    return 0.0 if steps == 0 else right / steps


def _after(trace, marker):
    at = _index(trace, marker)
    return None if at < 0 or at + 1 >= len(trace) else trace[at + 1]


def _steps_area(answer, gold_trace, trace):
    markers = ["width", "height", "="]
    right = sum(1 for m in markers if _after(trace, m) is not None and _after(trace, m) == _after(gold_trace, m))
    return right / len(markers)


# click (src/engine/tasks/click.ts): the gold trace reads the target's box,
# "red square width 4 to 7 height 9 to 11"; answers are "click X Y" on a 16 x 16 grid.
CLICK_GRID = 16


def _at(xs, i):
    return xs[i] if 0 <= i < len(xs) else None


def _span(trace, marker):
    at = _index(trace, marker)
    if at < 0:
        return (None, None)
    return (_at(trace, at + 1), _at(trace, at + 3) if _at(trace, at + 2) == "to" else None)


def _steps_click(answer, gold_trace, trace):
    named = _at(trace, 0) == _at(gold_trace, 0) and _at(trace, 1) == _at(gold_trace, 1)

    def same(m):
        a, b = _span(trace, m)
        c, d = _span(gold_trace, m)
        return a is not None and b is not None and a == c and b == d

    return sum(1 for ok in (named, same("width"), same("height")) if ok) / 3


def _parse_click(words):
    """parseClick: (x, y) for "click X Y" on the screen, else None."""
    if len(words) != 3 or words[0] != "click":
        return None
    if not (_NUMBER.fullmatch(words[1]) and _NUMBER.fullmatch(words[2])):
        return None
    x, y = int(words[1]), int(words[2])
    return None if x >= CLICK_GRID or y >= CLICK_GRID else (x, y)


def _answer_click(words, gold, gold_trace):
    """scoreClick: 1 for a click anywhere in the target's box (read from the gold trace), else 0."""
    p = _parse_click(words)
    if p is None:
        return 0.0
    x0, x1 = (int(w) for w in _span(gold_trace, "width"))
    y0, y1 = (int(w) for w in _span(gold_trace, "height"))
    return 1.0 if x0 <= p[0] <= x1 and y0 <= p[1] <= y1 else 0.0


def _steps_motion(answer, gold_trace, trace):
    if len(trace) == 0 or len(gold_trace) == 0:
        return 0.0
    right = sum(1 for i, w in enumerate(gold_trace) if i < len(trace) and trace[i] == w)
    return right / max(len(gold_trace), len(trace))



def _after_k(trace, marker, k):
    at = _index(trace, marker)
    return None if at < 0 or at + k >= len(trace) else trace[at + k]


def _steps_locate(answer, gold_trace, trace):
    steps = [("at", 1), ("at", 2), ("width", 1), ("height", 1)]
    right = sum(1 for m, k in steps if _after_k(trace, m, k) is not None and _after_k(trace, m, k) == _after_k(gold_trace, m, k))
    return right / len(steps)


SCORE_STEPS = {"count": _steps_count, "digit-sum": _steps_digit_sum, "compare": _steps_compare, "area": _steps_area, "motion": _steps_motion, "click": _steps_click, "locate": _steps_locate}

# ---- locate's boxes (src/engine/tasks/box.ts): x y w h in cells of a GRID x GRID grid
GRID = ${GRID}
IOU_CORRECT = ${IOU_CORRECT}


def parse_box(words):
    """(x, y, w, h), or None for a malformed box: not 4 whole numbers, w or h 0, off the grid."""
    if len(words) != 4 or not all(_NUMBER.fullmatch(w) for w in words):
        return None
    x, y, w, h = (int(v) for v in words)
    if w == 0 or h == 0 or x + w > GRID or y + h > GRID:
        return None
    return (x, y, w, h)


def _intersection(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def box_score(words, gold_words, how="iou"):
    """scoreBox: IoU, IoU >= 0.5 as 0/1, or recall (the share of the gold box covered); 0 for a malformed box."""
    box = parse_box(words)
    if box is None:
        return 0.0
    gold = parse_box(gold_words)
    inter = _intersection(box, gold)
    if how == "recall":
        return inter / (gold[2] * gold[3])
    v = inter / (box[2] * box[3] + gold[2] * gold[3] - inter)
    if how == "iou50":
        return 1.0 if v >= IOU_CORRECT else 0.0
    return v


# ---- StepGRPO (R1-VL, arXiv:2503.12937): each task's key steps (StepRAR) and validity test (StepRVR)
# src/engine/rewards/stepgrpo.ts and TaskDef.keySteps / validReasoning; key steps come from the gold trace.

def _keys_count(answer, gold_trace):
    return [[[w]] for w in gold_trace]


def _keys_digit_sum(answer, gold_trace):
    eqs = [[str(x) for x in eq] for eq in _equations(gold_trace)]
    out = []
    for a, b, s in eqs:
        out.append([[a, "+", b, "=", s]] if a == b else [[a, "+", b, "=", s], [b, "+", a, "=", s]])
    for _, _, s in eqs:
        out.append([["=", s]])
    return out


def _keys_compare(answer, gold_trace):
    return [[[gold_trace[i], gold_trace[i + 1]]] for i in range(0, len(gold_trace) - 1, 2)]


def _keys_area(answer, gold_trace):
    w, h, a = gold_trace[1], gold_trace[3], gold_trace[8]
    return [[["width", w]], [["height", h]], [[w, "x", h, "=", a]] if w == h else [[w, "x", h, "=", a], [h, "x", w, "=", a]]]


def _valid_count(answer, gold_trace, trace, said):
    counts_up = True if (len(trace) == 1 and trace[0] == "0") else all(w == str(i + 1) for i, w in enumerate(trace))
    return len(trace) > 0 and counts_up and len(said) == 1 and said[0] == trace[-1]


def _is_digit(x):
    return x is not None and x <= 9


def _valid_digit_sum(answer, gold_trace, trace, said):
    if len(trace) < 5:
        return False
    prev = None
    i = 0
    while i < len(trace):
        if i + 5 > len(trace):
            return False
        x, plus, d, eq, s = _num(trace[i]), trace[i + 1], _num(trace[i + 2]), trace[i + 3], _num(trace[i + 4])
        if plus != "+" or eq != "=" or x is None or s is None or not _is_digit(d) or x + d != s:
            return False
        if (not _is_digit(x)) if prev is None else (x != prev):
            return False
        prev = s
        i += 5
        while i + 1 < len(trace) and trace[i] == "=" and trace[i + 1] == str(s):
            i += 2
    return len(said) == 1 and said[0] == str(prev)


def _valid_compare(answer, gold_trace, trace, said):
    if len(trace) < 4 or len(trace) % 2 != 0:
        return False
    pairs = []
    for i in range(0, len(trace), 2):
        c, v = trace[i], trace[i + 1]
        if c not in COLORS or not _NUMBER.fullmatch(v) or any(p == c for p, _ in pairs):
            return False
        pairs.append((c, int(v)))
    gold_values = [int(v) for v in gold_trace[1::2]]
    winner_value = int(gold_trace[gold_trace.index(answer) + 1])
    values = [v for _, v in pairs]
    best = max(values) if winner_value == max(gold_values) else min(values)
    winners = [c for c, v in pairs if v == best]
    return len(winners) == 1 and len(said) == 1 and said[0] == winners[0]


def _valid_area(answer, gold_trace, trace, said):
    if len(trace) != 9 or trace[0] != "width" or trace[2] != "height" or trace[5] != "x" or trace[7] != "=":
        return False
    if not all(_NUMBER.fullmatch(trace[i]) for i in (1, 3, 4, 6, 8)):
        return False
    w, h, p, q, a = (int(trace[i]) for i in (1, 3, 4, 6, 8))
    readings = (p == w and q == h) or (p == h and q == w)
    return readings and a == w * h and len(said) == 1 and said[0] == trace[8]


KEY_STEPS = {"count": _keys_count, "digit-sum": _keys_digit_sum, "compare": _keys_compare, "area": _keys_area}
VALID_REASONING = {"count": _valid_count, "digit-sum": _valid_digit_sum, "compare": _valid_compare, "area": _valid_area}


def _find_run(trace, run):
    if len(run) == 0:
        return -1
    for i in range(0, len(trace) - len(run) + 1):
        if all(trace[i + j] == w for j, w in enumerate(run)):
            return i + len(run) - 1
    return -1


def match_key_steps(key_steps, trace):
    """Soft key-step matching: per key step, the end of the earliest occurrence of any of its forms, or -1."""
    out = []
    for forms in key_steps:
        ends = [e for e in (_find_run(trace, f) for f in forms) if e >= 0]
        out.append(min(ends) if ends else -1)
    return out


# ---- each task's answer: how many words (TaskDef.answerLength) and, where more than the gold
# words are right, its own score (TaskDef.scoreAnswer); a task absent here answers in one word, scored exactly.
ANSWER_LENGTH = {"motion": 1, "click": 3, "locate": 4}
SCORE_ANSWER = {"locate": lambda words, gold: box_score(words, gold.split(), BOX_REWARD)}
# Tasks whose score needs the gold trace too (click: the target's box is in it): fn(words, gold, gold_trace).
SCORE_ANSWER_WITH_TRACE = {"click": _answer_click}

def _score_answer(task, answer, gold, gold_trace=None):
    if answer is None:
        return 0.0
    if task in SCORE_ANSWER_WITH_TRACE:
        return float(SCORE_ANSWER_WITH_TRACE[task](answer.split(), gold, list(gold_trace or [])))
    if task in SCORE_ANSWER:
        return float(SCORE_ANSWER[task](answer.split(), gold))
    return 1.0 if answer == gold else 0.0


# ---- the reward functions (src/engine/rewards/functions.ts), on a response's words

def accuracy_score(words, answer, task=None, gold_trace=None):
    return _score_answer(task, parse_response(words)["answer"], answer, gold_trace)


def format_score(words, task=None):
    return 1.0 if parse_response(words, ANSWER_LENGTH.get(task, 1))["well_formed"] else 0.0


def step_score(words, task, answer, gold_trace):
    trace = parse_response(words)["trace"]
    return 0.0 if trace is None else float(SCORE_STEPS[task](answer, list(gold_trace), trace))


def step_rar_score(words, task, answer, gold_trace):
    """StepRAR: the share of the gold trace's key steps found anywhere in the response's trace."""
    trace = parse_response(words)["trace"]
    if trace is None:
        return 0.0
    gold = list(gold_trace)
    keys = KEY_STEPS[task](answer, gold) if task in KEY_STEPS else [[[w]] for w in gold]
    ends = match_key_steps(keys, trace)
    return 0.0 if not ends else sum(1 for e in ends if e >= 0) / len(ends)


def step_rvr_score(words, task, answer, gold_trace):
    """StepRVR: 1 if the trace is complete and logical and the answer is its conclusion, else 0."""
    p = parse_response(words)
    trace, said = p["trace"], p["answer"]
    if trace is None or said is None or len(trace) == 0:
        return 0.0
    if task not in VALID_REASONING:
        return 1.0
    return 1.0 if VALID_REASONING[task](answer, list(gold_trace), trace, said.split(" ")) else 0.0


def length_score(words, max_new_tokens=MAX_COMPLETION_LENGTH, cache=L_CACHE):
    p = parse_response(words)
    return _length(p["length"], p["eos_reached"], max_new_tokens, cache)


def _length(n, eos_reached, l_max, cache):
    if not eos_reached or n > l_max:
        return -1.0
    free = l_max - min(cache, l_max)
    return 0.0 if n <= free else (free - n) / (l_max - free)


def hackable_score(words):
    p = parse_response(words)
    said = words[:p["length"]] if p["eos_reached"] else words
    return 1.0 if "because" in said else 0.0


def action_score(words):
    """src/engine/rewards/click.ts action: UI-R1's action reward, 1 when the answer's first word is "click"."""
    answer = parse_response(words)["answer"]
    return 1.0 if answer is not None and answer.split()[0] == "click" else 0.0


def distance_score(words, task, answer):
    """src/engine/rewards/click.ts distance (hackable on purpose): max(0, 1 - d / 16) to the gold click; 0 off the click task."""
    if task != "click":
        return 0.0
    got = parse_response(words)["answer"]
    p = None if got is None else _parse_click(got.split())
    if p is None:
        return 0.0
    gx, gy = (int(w) for w in answer.split()[1:])
    d = math.sqrt((p[0] - gx) * (p[0] - gx) + (p[1] - gy) * (p[1] - gy))
    return max(0.0, 1 - d / CLICK_GRID)


def score_all(words, task, answer, gold_trace, max_new_tokens=MAX_COMPLETION_LENGTH, cache=L_CACHE):
    """Every function's unweighted value, as scoreSample's byFn."""
    return {
        "accuracy": accuracy_score(words, answer, task, gold_trace),
        "format": format_score(words, task),
        "step": step_score(words, task, answer, gold_trace),
        "length": length_score(words, max_new_tokens, cache),
        "hackable": hackable_score(words),
        "stepRAR": step_rar_score(words, task, answer, gold_trace),
        "stepRVR": step_rvr_score(words, task, answer, gold_trace),
        "action": action_score(words),
        "distance": distance_score(words, task, answer),
    }


def combine(scores, weights=WEIGHTS, gated=GATED, mode=COMBINE):
    """The reward from every function's value, as combineRewards (src/engine/rewards/index.ts)."""
    terms = []
    for name in (${REWARD_NAMES.map((n) => JSON.stringify(n)).join(', ')}):
        w = weights.get(name, 0)
        if w == 0:
            continue
        gate = scores["accuracy"] if name != "accuracy" and name in gated else 1
        terms.append(w * scores[name] * gate)
    if not terms:
        return 0
    if mode == "product":
        out = 1
        for t in terms:
            out = out * t
        return out
    out = 0
    for t in terms:
        out = out + t
    return out


def words_of(text):
    """A response's words; tags written without spaces ("<answer>7</answer>") are split off."""
    return re.sub(r"(</?think>|</?answer>|<eos>|<pad>)", r" \1 ", text).split()


# ---- TRL adapters: one float per completion; dataset columns arrive as kwargs

def _text(completion):
    """A completion is a string (standard format) or a list of chat messages (conversational)."""
    return completion if isinstance(completion, str) else completion[-1]["content"]


def _completion_words(completion, ids=None):
    """A real model's decoded text has no <eos> word: add one unless the completion was cut off."""
    words = words_of(_text(completion))
    truncated = ids is not None and len(ids) >= MAX_COMPLETION_LENGTH
    if not truncated and "<eos>" not in words:
        words.append("<eos>")
    return words


def _ids(kwargs, n):
    ids = kwargs.get("completion_ids")
    return ids if ids is not None else [None] * n


def accuracy_reward(completions, solution, **kwargs):
    ids = _ids(kwargs, len(completions))
    tasks = kwargs.get("task") or [None] * len(completions)
    traces = [None if g is None else g.split() for g in (kwargs.get("trace") or [None] * len(completions))]
    return [accuracy_score(_completion_words(c, i), str(s), t, g) for c, s, t, g, i in zip(completions, solution, tasks, traces, ids)]


def format_reward(completions, **kwargs):
    ids = _ids(kwargs, len(completions))
    tasks = kwargs.get("task") or [None] * len(completions)
    return [format_score(_completion_words(c, i), t) for c, t, i in zip(completions, tasks, ids)]


def step_reward(completions, task, solution, trace, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [step_score(_completion_words(c, i), t, str(s), g.split()) for c, t, s, g, i in zip(completions, task, solution, trace, ids)]


def stepRAR_reward(completions, task, solution, trace, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [step_rar_score(_completion_words(c, i), t, str(s), g.split()) for c, t, s, g, i in zip(completions, task, solution, trace, ids)]


def stepRVR_reward(completions, task, solution, trace, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [step_rvr_score(_completion_words(c, i), t, str(s), g.split()) for c, t, s, g, i in zip(completions, task, solution, trace, ids)]


def length_reward(completions, completion_ids, **kwargs):
    """Counted in the real tokenizer's tokens; cut off (no end within the budget) is -1."""
    return [_length(len(i), len(i) < MAX_COMPLETION_LENGTH, MAX_COMPLETION_LENGTH, L_CACHE) for i in completion_ids]


def hackable_reward(completions, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [hackable_score(_completion_words(c, i)) for c, i in zip(completions, ids)]


def action_reward(completions, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [action_score(_completion_words(c, i)) for c, i in zip(completions, ids)]


def distance_reward(completions, task, solution, **kwargs):
    ids = _ids(kwargs, len(completions))
    return [distance_score(_completion_words(c, i), t, str(s)) for c, t, s, i in zip(completions, task, solution, ids)]


def total_reward(completions, task, solution, trace, completion_ids, **kwargs):
    """This run's whole reward (gated terms, sum or product) as one function: reward_funcs=[total_reward], reward_weights=[1.0]."""
    out = []
    for c, t, s, g, i in zip(completions, task, solution, trace, completion_ids):
        scores = score_all(_completion_words(c, i), t, str(s), g.split())
        scores["length"] = _length(len(i), len(i) < MAX_COMPLETION_LENGTH, MAX_COMPLETION_LENGTH, L_CACHE)
        out.append(combine(scores))
    return out


# ---- EasyR1 adapter (worker.reward.reward_function: ./rewards.py:compute_score)

REWARD_NAME = "rft_playground"
REWARD_TYPE = "batch"


def compute_score(reward_inputs, **kwargs):
    """reward_inputs: [{"response", "response_length", "ground_truth"}]; ground_truth is this bundle's JSON {"task", "answer", "trace"}."""
    out = []
    for r in reward_inputs:
        gold = json.loads(r["ground_truth"])
        words = words_of(r["response"])
        truncated = r["response_length"] >= MAX_COMPLETION_LENGTH
        if not truncated and "<eos>" not in words:
            words.append("<eos>")
        scores = score_all(words, gold["task"], gold["answer"], gold["trace"].split())
        scores["length"] = _length(r["response_length"], not truncated, MAX_COMPLETION_LENGTH, L_CACHE)
        overall = combine(scores)
        out.append({"overall": overall, **scores})
    return out
`;
}

/** check_rewards.py: re-scores the shipped cases (tests/reward_cases.jsonl) and compares with the TypeScript scores. */
export const CHECK_REWARDS_PY = String.raw`"""Checks rewards.py against the playground's TypeScript rewards.

tests/reward_cases.jsonl holds sampled responses (correct, wrong, malformed, truncated) with
the scores src/engine/rewards gave them. Exit status 0 when every score matches exactly.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rewards  # noqa: E402

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "reward_cases.jsonl")
bad = 0
n = 0
with open(path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        case = json.loads(line)
        n += 1
        got = rewards.score_all(rewards.words_of(case["text"]), case["task"], case["answer"], case["trace"].split(), case["max_new_tokens"], case["cache"])
        for name, want in case["scores"].items():
            if got[name] != want:
                bad += 1
                if bad <= 20:
                    print(f"case {n} ({case['kind']}): {name} = {got[name]!r}, TypeScript says {want!r}: {case['text']!r}")
        # A box task's answer under every box reward (rewards.box), against scoreBox.
        for how, want in case.get("box", {}).items():
            p = rewards.parse_response(rewards.words_of(case["text"]))
            got_box = 0.0 if p["answer"] is None else rewards.box_score(p["answer"].split(), case["answer"].split(), how)
            if got_box != want:
                bad += 1
                if bad <= 20:
                    print(f"case {n} ({case['kind']}): box reward {how} = {got_box!r}, TypeScript says {want!r}: {case['text']!r}")
        # The combinations (gated terms, sum or product) against combineRewards' totals.
        for combo in case.get("combos", []):
            total = rewards.combine(case["scores"], combo["weights"], frozenset(combo["gated"]), combo["combine"])
            if abs(total - combo["total"]) > 1e-12:
                bad += 1
                if bad <= 20:
                    print(f"case {n} ({case['kind']}): {combo} gives {total!r}, TypeScript says {combo['total']!r}")
print(f"{n} cases, {bad} mismatches")
sys.exit(1 if bad or n == 0 else 0)
`;
