// SPDX-License-Identifier: MIT
// moat.exit stops at once with the given code.
setTimeout(() => console.log('should not run'), 1000);
console.log('before exit');
moat.exit(3);
console.log('after exit');
