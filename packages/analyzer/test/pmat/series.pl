#!/usr/bin/perl
# Dumps the heap once per round of a leaky loop (as the Devel::MAT case study does), into the
# folder given as the first argument: series-1.pmat .. series-4.pmat. Each request leaks a
# self-referencing session (a cycle) and an entry in a global cache that is never pruned.
use strict;
use warnings;
use Devel::MAT::Dumper;

my $dir = shift // ".";
our %CACHE;

package My::Session {
   sub new { my ( $class, %args ) = @_; my $self = bless { %args }, $class; $self->{me} = $self; return $self }
}

sub handle_request {
   my ( $n ) = @_;
   my $tmp = [ map { "temp-$n-$_" } 1 .. 5 ];
   my $session = My::Session->new( id => $n, payload => "x" x 100 );
   $CACHE{"req$n"} = { n => $n, when => "t$n" };
   return scalar @$tmp;
}

my $i = 0;
for my $round ( 1 .. 4 ) {
   handle_request( $i++ ) for 1 .. 3;
   Devel::MAT::Dumper::dump( "$dir/series-$round.pmat" );
}
