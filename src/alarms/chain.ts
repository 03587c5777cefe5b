/**
 * The journal's hash chain moved to src/core/chain.ts, so the provincial feed (src/uplink) and its
 * receiving centre check records with the same definition; re-exported here so nothing else changes.
 */
export { chainHash, GENESIS, verifyChain, type ChainRow, type ChainVerdict } from '../core/chain.js';
