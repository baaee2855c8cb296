// SPDX-License-Identifier: MIT
// The window-events app (test_winev.sh), from the real @tauri-apps/api: it
// reports the theme and scale GTK gives it, then each tauri://theme-changed
// and tauri://scale-change the test causes through the XSETTINGS manager;
// once scaled and light again it runs setTheme and the geometry commands, which the test checks from X,
// and wincmd.c's (renderer/webview/wincmd.c) with a wrong-shaped value each.
import { invoke } from '@tauri-apps/api/core';
import {
    getCurrentWindow, LogicalPosition, LogicalSize, PhysicalSize, UserAttentionType, currentMonitor, primaryMonitor,
    availableMonitors, cursorPosition, monitorFromPoint,
} from '@tauri-apps/api/window';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { getCurrentWebviewWindow } from '@tauri-apps/api/webviewWindow';

const win = getCurrentWindow();
const log = (s) => console.log(s);
const sz = (s) => `${s.width}x${s.height}`;
const code = (p) => p.then(() => 'ok', (e) => e.code);
const settle = () => new Promise((r) => setTimeout(r, 700)); // GTK applies geometry asynchronously

async function main() {
    log(`start: theme()=${await win.theme()} scaleFactor()=${await win.scaleFactor()} inner=${sz(await win.innerSize())}`);
    let scaled, lightAgain, darkAgain;
    const rescaled = new Promise((r) => (scaled = r));
    const goOn = new Promise((r) => (lightAgain = r)); // the test's go: the desktop's theme light again
    const phase2 = new Promise((r) => (darkAgain = r)); // and its next: dark again
    let n = 0;
    await win.onThemeChanged(async ({ payload }) => {
        log(`theme-changed: ${JSON.stringify(payload)} theme()=${await win.theme()}`);
        if (++n === 2) lightAgain();
        if (n === 5) darkAgain();
    });
    await win.onScaleChanged(async ({ payload }) => {
        const s = payload.size;
        log(`scale-change: ${payload.scaleFactor} ${sz(s)} ${s instanceof PhysicalSize} scaleFactor()=${await win.scaleFactor()}`);
        scaled();
    });
    log('listening');
    await rescaled;
    await settle();
    log(`scaled: inner=${sz(await win.innerSize())} outer=${sz(await win.outerSize())}`);
    await goOn;

    await win.setTheme('dark');
    log(`setTheme(dark): theme()=${await win.theme()}`);
    await win.setTheme(null);
    log(`setTheme(null): theme()=${await win.theme()}`);
    log(`setTheme(blue): ${await code(win.setTheme('blue'))}`);

    await win.setPosition(new LogicalPosition(30, 40));
    await win.setSize(new PhysicalSize(700, 500));
    await win.setMinSize(new LogicalSize(200, 150));
    await win.setMaxSize(new LogicalSize(500, 400));
    log(`setMinSize(0x0): ${await code(win.setMinSize(new LogicalSize(0, 0)))}`);
    log(`setPosition(1e12): ${await code(win.setPosition(new LogicalPosition(1e12, 0)))}`);
    await getCurrentWebview().setZoom(2);
    await settle();
    const pos = await win.outerPosition();
    log(`geometry: outer=${pos.x},${pos.y} inner=${sz(await win.innerSize())} innerWidth=${window.innerWidth}`);
    const wsize = await getCurrentWebview().size(), wpos = await getCurrentWebview().position();
    log(`webview: size=${sz(wsize)} position=${wpos.x},${wpos.y}`);
    await win.requestUserAttention(UserAttentionType.Critical); // the test reads WM_HINTS
    log(`requestUserAttention('x'): ${await code(invoke('plugin:window|request_user_attention', { value: { type: 'x' } }))}`);
    await getCurrentWebviewWindow().setBackgroundColor([255, 0, 0]); // the window's, then the webview's
    log(`setBackgroundColor([1, 2]): ${await code(getCurrentWebview().setBackgroundColor([1, 2]))}`);
    const mon = (m) => m && `${m.scaleFactor} ${m.position.x},${m.position.y} ${sz(m.size)} work ${sz(m.workArea.size)}`;
    log(`monitors: current ${mon(await currentMonitor())} primary ${mon(await primaryMonitor())} all ${(await availableMonitors()).length}`);
    const cur = await cursorPosition();
    log(`cursor: ${cur.x},${cur.y}`);
    log(`setZoom(0): ${await code(getCurrentWebview().setZoom(0))}`);
    log(`setSkipTaskbar(1): ${await code(invoke('plugin:window|set_skip_taskbar', { value: 1 }))}`);
    await wincmd(mon);
    log(`other window: ${await code(invoke('plugin:window|theme', { label: 'elsewhere' }))}`);
    requestAnimationFrame(() => requestAnimationFrame(() => log('done')));

    // Without a window manager GDK writes a mapped window's states only when it maps it:
    // set them hidden, then show it (the test reads _NET_WM_STATE and _MOTIF_WM_HINTS).
    await phase2;
    log(`before: onTop=${await win.isAlwaysOnTop()} closable=${await win.isClosable()}`);
    log(`minimizable=${await win.isMinimizable()} maximizable=${await win.isMaximizable()} setMaximizable: ${await code(win.setMaximizable(false))}`);
    await win.hide();
    await win.setAlwaysOnTop(true);
    await win.setSkipTaskbar(true);
    await win.setClosable(false);
    await win.setVisibleOnAllWorkspaces(true); // _NET_WM_STATE_STICKY
    await win.setFocusable(false); // WM_HINTS' input
    await win.setSizeConstraints({ minWidth: 250, maxHeight: 450 }); // replaces setMinSize's and setMaxSize's
    await win.show();
    const view = getCurrentWebview();
    log(`webview: ${[await code(view.hide()), await code(view.show()), await code(view.setFocus()),
        await code(view.setSize(new LogicalSize(10, 10))), await code(view.setPosition(new LogicalPosition(5, 5))),
        await code(view.clearAllBrowsingData())].join(' ')}`);
    await settle();
    log(`states: onTop=${await win.isAlwaysOnTop()} closable=${await win.isClosable()}`);
    // The test reads which window X finds under the pointer. An untrusted X client (the host's
    // cookie) has no SHAPE extension, so this answers unsupported unless the host's X is trusted.
    log(`ignoring: ${await code(win.setIgnoreCursorEvents(true))}`);
}

// wincmd.c's commands, in phase 1: what X shows of them the test reads once the page says done.
async function wincmd(mon) {
    await win.setEnabled(false);
    const off = await win.isEnabled();
    await win.setEnabled(true);
    log(`enabled: ${off} ${await win.isEnabled()}`);
    log(`monitorFromPoint: ${mon(await monitorFromPoint(100, 100))}`);
    log(`monitorFromPoint('a'): ${await code(invoke('plugin:window|monitor_from_point', { x: 'a', y: 1 }))}`);
    await win.setCursorPosition(new LogicalPosition(10, 20)); // inside the window: the test reads the pointer
    const rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255];
    await invoke('plugin:window|set_icon', { value: { rgba, width: 2, height: 2 } }); // _NET_WM_ICON
    log(`setIcon(short rgba): ${await code(invoke('plugin:window|set_icon', { value: { rgba: [1, 2, 3], width: 2, height: 2 } }))}`);
    log(`setIcon(path): ${await code(win.setIcon('icon.png'))}`);
    log(`startResizeDragging('Up'): ${await code(invoke('plugin:window|start_resize_dragging', { value: 'Up' }))}`);
    log(`setCursorIcon(5): ${await code(invoke('plugin:window|set_cursor_icon', { value: 5 }))}`);
    log(`setSizeConstraints(-1): ${await code(invoke('plugin:window|set_size_constraints', { value: { minWidth: { Logical: -1 } } }))}`);
    log(`setProgressBar('x'): ${await code(invoke('plugin:window|set_progress_bar', { value: { status: 'x' } }))}`);
    const cursor = [win.setCursorIcon('notAllowed'), win.setCursorVisible(false), win.setCursorVisible(true),
        win.setCursorGrab(true)];
    log(`cursor commands: ${(await Promise.all(cursor.map(code))).join(' ')}`);
    const linux = [win.setShadow(false), win.setEffects({ effects: [] }), win.setContentProtected(true),
        win.setTitleBarStyle('overlay'), win.setProgressBar({ status: 'normal', progress: 50 }), win.setBadgeCount(3),
        win.setMinimizable(false)];
    log(`no such thing on Linux: ${(await Promise.all(linux.map(code))).join(' ')}`);
    log(`setAlwaysOnBottom (not granted): ${await code(win.setAlwaysOnBottom(true))}`); // the policy gates them
    log(`no such command on Linux: ${await code(win.setBadgeLabel('3'))} ${await code(win.setOverlayIcon(undefined))}`);
}

main().catch((e) => console.error(`failed: ${e && (e.message || e)}`));
