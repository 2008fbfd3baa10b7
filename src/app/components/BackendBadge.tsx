import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';

const LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' } as const;

/** Which tfjs backend trains, on what, and why it was chosen. */
export function BackendBadge() {
  const { backend, state, error } = useApp(useShallow((s) => ({ backend: s.backend, state: s.workerState, error: s.workerError })));
  if (!backend) {
    return (
      <div className="backend-badge" data-testid="backend-badge" data-backend="" data-state={state} role="status">
        <strong>{state === 'failed' ? 'No backend' : 'Starting…'}</strong>
        {error && <span className="why">{error}</span>}
      </div>
    );
  }
  return (
    <div
      className={`backend-badge backend-${backend.name}${backend.software ? ' software' : ''}`}
      data-testid="backend-badge"
      data-backend={backend.name}
      data-threads={backend.threads ?? ""}
      data-state={state}
      role="status"
      title={backend.reason}
    >
      <strong>{LABEL[backend.name]}</strong>
      <span className="adapter">
        {backend.adapter}
        {backend.software ? ' (software)' : ''}
      </span>
      <span className="why">{backend.reason}</span>
    </div>
  );
}
