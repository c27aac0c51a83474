// sessions.js — a session store that never expires anything (a leak, on purpose).
export default {
  name: "sessions",
  description: "a session list that grows forever, beside short-lived garbage",
  params: [{ name: "users", description: "logins to simulate", type: "int", default: 200000, min: 1 }],
  steps: (params) => params.users,
  setup(ctx) {
    const e = ctx.engine;
    ctx.state.g = e.spawn();                                  // the goroutine serving logins
    e.setGlobal(0, e.alloc(1, 0, e.site("sessions.head")));   // the store: head → newest session
  },
  step(ctx, i) {
    const e = ctx.engine, g = ctx.state.g;
    e.allocPush(g, 1, 64, 0, e.site("sessions.entry"));      // a session: next pointer + 64 bytes
    const head = e.getGlobal(0);
    e.writeField(e.peek(g), 0, e.readField(head, 0));         // session.next = store.first
    e.writeField(head, 0, e.pop(g));                          // store.first = session
    if (i % 4 === 0) { e.allocPush(g, 0, 512, 0); e.drop(g); } // a short-lived response buffer
  },
};
