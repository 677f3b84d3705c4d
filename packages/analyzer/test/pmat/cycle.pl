#!/usr/bin/perl
# Leaks self-referencing objects: each one holds a reference to itself, so when the last
# outside reference goes away its refcount never drops to zero.
use strict;
use warnings;

package My::Node {
   sub new {
      my ( $class, $id ) = @_;
      my $self = bless { id => $id, payload => "x" x 100 }, $class;
      $self->{me} = $self;
      return $self;
   }
}

sub work {
   my ( $i ) = @_;
   my $node = My::Node->new( $i );
   my @pair = ( [ $i ], [ $i + 1 ] );
   push @{ $pair[0] }, $pair[1];
   push @{ $pair[1] }, $pair[0];
   return $node->{id};
}

work( $_ ) for 1 .. 10;
