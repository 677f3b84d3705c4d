export { leakCandidates } from "./candidates.js";
