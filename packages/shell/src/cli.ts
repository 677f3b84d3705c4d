#!/usr/bin/env node
process.stderr.write("heapmat: not implemented yet\n");
process.exitCode = 2;
