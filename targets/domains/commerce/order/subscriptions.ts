// Which consumer receives which outbox event. The relay delivers from this table and the invariant
// checker verifies against it: one definition.
export const SUBSCRIPTIONS: Record<string, string[]> = {
  'order.created': ['notification', 'analytics', 'loyalty', 'customer'],
  'order.paid': ['fulfillment'],
};
