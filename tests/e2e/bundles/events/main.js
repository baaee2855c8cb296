// SPDX-License-Identifier: MIT
// Listens for the core's event, answers it with one of its own, then stops listening.
(() => {
    moat.listen('test:ping', (e) => {
        moat.emit('test:pong', { got: e.payload, event: e.event });
        unlisten();
    }).then((fn) => { unlisten = fn; moat.invoke('test:ready'); });
    let unlisten = () => {};
})();
