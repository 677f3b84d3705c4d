// Preload entry: `node --import @heapmat/dumper/register` or `--require`. Configured by HEAPMAT_DUMPER.
export {};
