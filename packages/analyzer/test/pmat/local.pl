#!/usr/bin/perl
# Dumps from deep inside a call, while `local` has saved values of a scalar, an array element
# and a hash element, so the dump has a context stack, saved values and mortals.
use strict;
use warnings;
use Devel::MAT::Dumper;

my $file = shift // "local.pmat";
our $LEVEL = "outer";
our @STACK = ( "a", "b", "c" );
our %CONFIG = ( mode => "normal", depth => 0 );

sub inner {
   my ( $n ) = @_;
   local $LEVEL = "inner $n";
   local $STACK[1] = "replaced";
   local $CONFIG{mode} = "debug";
   my @temps = map { "t$_" } 1 .. 3;
   Devel::MAT::Dumper::dump( $file );
   return scalar @temps;
}

sub outer { return inner( $_[0] + 1 ) }

outer( 41 );
