// SPDX-License-Identifier: MIT
// Thousands of calls the policy denies: every one must be answered "denied".
const calls = [];
for (let i = 0; i < 3000; i++) calls.push(moat.invoke("test:secret", { i }).then(() => "allowed", (e) => e.code));
Promise.all(calls).then((codes) => {
    const allowed = codes.filter((c) => c !== "denied");
    console.error(allowed.length ? `ESCAPED: ${allowed.length} calls not denied (${allowed[0]})` : "blocked: all 3000 denied");
});
