#!/usr/bin/env node
process.stdout.write("heapmat-dump: no commands yet\n");
