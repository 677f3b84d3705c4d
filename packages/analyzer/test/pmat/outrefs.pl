#!/usr/bin/perl
# Prints every SV's outrefs as Devel::MAT itself computes them, one per line:
#   ADDRESS <tab> STRENGTH <tab> NAME <tab> TARGET-ADDRESS
# The oracle for heapmat's .pmat reader: its edges must be exactly these.
use v5.14;
use warnings;
use Devel::MAT;

my $df = Devel::MAT->load( shift // die "usage: outrefs.pl FILE.pmat\n" )->dumpfile;
binmode STDOUT;
foreach my $sv ( $df->heap ) {
   foreach my $ref ( $sv->outrefs ) {
      next unless $ref->sv;
      printf "%x\t%s\t%s\t%x\n", $sv->addr, $ref->strength, $ref->name, $ref->sv->addr;
   }
}
