// SPDX-License-Identifier: MIT
// Asks for the app's name after a while: the policy may have been reloaded meanwhile.
setTimeout(() => {
    moat.invoke('app:name').then(
        (name) => console.log(`name: ${name}`),
        (e) => {
            console.log(`refused: ${e.code}`);
            moat.exit(1);
        });
}, 1500);
