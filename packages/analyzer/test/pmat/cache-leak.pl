#!/usr/bin/perl
# Leaks hashes through a package-global cache that is never pruned, as a long-running
# server might. Also holds a few values of every kind so the dump has them all.
use strict;
use warnings;
use Scalar::Util qw( weaken );

our %CACHE;
our @QUEUE = ( 1, -2, 2.5, "three", [4], { five => 5 } );
our $BIG = "A" x 100_000;
our $ALIAS;

package My::Session {
   sub new { my ( $class, %args ) = @_; return bless { %args }, $class }
}

sub handle_request {
   my ( $n ) = @_;
   my $tmp = [ map { "temp-$n-$_" } 1 .. 3 ];
   $CACHE{"req$n"} = My::Session->new( n => $n, when => "t$n", "odd key" => 1 );
   return scalar @$tmp;
}

handle_request( $_ ) for 1 .. 25;

# A weak reference, and a closure over a lexical.
our $STRONG = { name => "strong" };
$ALIAS = $STRONG;
weaken( $ALIAS );
my $counter = 0;
our $NEXT = sub { return ++$counter };
$NEXT->() for 1 .. 3;
