// A stand-in for the user's browser, started by `zoho-tokens login --open` through $BROWSER: it loads the
// authorization URL and follows the emulator's redirect to the local callback, as a browser whose user clicks "Accept".
const url = process.argv[2];
if (!url) process.exit(2);
const response = await fetch(url);
process.exitCode = response.ok ? 0 : 1;
