// Constants of the .hmat format (see FORMAT.md). Side-effect free: the analyzer imports this.
export const HMAT_MAGIC = "HMAT";
export const HMAT_VERSION = 1;
