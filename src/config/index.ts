export { duplicateIds } from './checks.js';
export { loadSiteConfig, resolvePath, type CrossCheckProblem, type Expand, type LoadResult } from './loader.js';
export { formatPath, formatProblem, formatProblems, type ConfigProblem } from './problems.js';
export { durationSchema } from './rules.js';
export { buildSiteSchema, type SiteSchema } from './site.js';
export { parseYamlText, readYamlFile, substituteEnv, type YamlFile } from './yaml-file.js';
export { peopleSectionSchema, type PeopleSection } from './people.js';
export { videoSectionSchema, type VideoSection } from './video.js';
export { centreConfigSchema, centreCrossChecks, centreSiteSchema, type CentreConfig, type CentreSiteConfig } from './centre.js';
