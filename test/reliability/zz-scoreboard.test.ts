import { printScoreboard } from "../support/scoreboard";

// A root-level hook: mocha runs it once, after every test of the whole run (whichever files were loaded), so the
// table comes last. It prints nothing when no scenario recorded a row.
after(() => {
  printScoreboard();
});
