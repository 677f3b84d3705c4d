#!/usr/bin/perl
# About 1.2 million SVs (hashes, arrays, strings, numbers, references) for measuring how fast a
# reader loads and indexes a large dump. Not used by the tests: run by measure.mjs.
use strict;
use warnings;

my $n = shift // 170_000;
our %BY_ID;
for my $i ( 1 .. $n ) {
   $BY_ID{"id$i"} = { id => $i, name => "user $i", tags => [ "t" . ( $i % 7 ) ] };
}
