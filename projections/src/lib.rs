//! Pure folds from negotiation events to the views people read.
