/** Health of one component, as /readyz shows it. */
export type ComponentState = 'starting' | 'up' | 'degraded' | 'down' | 'stopped';

export interface ComponentStatus {
  readonly state: ComponentState;
  readonly reason?: string;
  /** Epoch ms of the last change. */
  readonly since: number;
}
