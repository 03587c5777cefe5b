export { adapterDataDir, Gateway, type GatewayOptions } from './gateway.js';
export { adapterFactories, adapterSchemas } from './registry.js';
export { loadSite, siteSchema, type SiteConfig } from './site-config.js';
export { VERSION } from './version.js';
export { runRuleTestFile, type RuleTestOutcome } from './rule-test.js';
export { Centre, type CentreOptions } from './centre.js';
export { loadCentre } from './centre-config.js';
export { CentreRead, type CentreSiteView } from './centre-read.js';
