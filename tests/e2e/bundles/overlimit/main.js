// An answer over the frame limit is refused by the core, not sent: the call
// rejects with limit_exceeded and the renderer goes on.
(async () => {
    let code = 'resolved', message = '';
    try {
        await moat.invoke('test:huge');
    } catch (e) {
        code = e.code;
        message = e.message;
    }
    const after = await moat.invoke('test:echo', 'still here');
    await moat.emit('test:report', { code, message, after });
})();
