-- Who holds an alert's claim: the tenure of the sender that claimed it (a random id each
-- time a process takes a platform's delivery lock), or NULL for a sender that is not elected
-- (a console's). A process that takes over sending gives back every claim not its own once
-- the previous sender can no longer be sending (see `deliver::TAKEOVER_WAIT`), instead of
-- guessing from the claims' times.
ALTER TABLE outbox ADD COLUMN claimed_by UUID;
