// plugin-dialog through its official package, in a webview window (test_dialog.sh): message
// dialogs answered by the test's key presses, and file choosers answered by the core's test
// answer (MOAT_DIALOG_TEST_ANSWER). Prints each answer.
import { message, ask, confirm, open, save } from '@tauri-apps/plugin-dialog';

const why = (e) => (typeof e === 'string' ? e : e && e.message) || String(e);

async function step(name, f) {
    console.log('SHOWING ' + name);
    try {
        console.log('ANSWER ' + name + ' ' + JSON.stringify(await f()));
    } catch (e) {
        console.log('ANSWER ' + name + ' ERR ' + why(e));
    }
}

async function main() {
    await step('confirm-yes', () => confirm('Proceed?', { title: 'dialog confirm-yes' }));
    await step('confirm-no', () => confirm('Proceed?', { title: 'dialog confirm-no' }));
    await step('ask', () => ask('Sure?', { title: 'dialog ask', kind: 'warning' }));
    await step('message', () => message('Done', { title: 'dialog message', buttons: { ok: 'Fine', cancel: 'Nope' } }));
    await step('open', () => open({ title: 'pick one', filters: [{ name: 'Text', extensions: ['txt'] }] }));
    await step('open-multiple', () => open({ multiple: true }));
    await step('save', () => save({ defaultPath: 'out.txt' }));
    console.log('DONE');
}

main();
