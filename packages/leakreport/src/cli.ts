#!/usr/bin/env node
process.stderr.write("heapmat-leakreport: not implemented yet\n");
process.exitCode = 2;
