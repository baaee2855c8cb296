// Endless traffic: many invokes in flight, answered by the core from another
// thread, until the core kills this renderer.
function fire() {
    for (let i = 0; i < 16; i++)
        moat.invoke('test:async', i).then(fire, () => {});
}
for (let i = 0; i < 8; i++)
    fire();
setInterval(() => moat.invoke('test:echo', 'tick'), 1);
