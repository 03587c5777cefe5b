/**
 * A config-time problem a rule pack finds, at a path of the site config (`['rules', 3, 'levels', 0,
 * 'limit']`, `['points', 5, 'attrs', 'gas']`): rules and points are indexed in config order.
 */
export interface PackProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}
