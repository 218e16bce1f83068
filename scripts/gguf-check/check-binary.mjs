// Loads llama.cpp's prebuilt CPU binary shipped by node-llama-cpp, with building from source and
// downloading forbidden, and prints what loaded; exits non-zero when no prebuilt binary fits.
// Run by install.sh (a file, not `node -e`: node-llama-cpp tests the binary in a child process
// that re-runs node with this process's arguments).
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const llama = await getLlama({gpu: false, build: "never", skipDownload: true, logLevel: LlamaLogLevel.error});
console.log(`llama.cpp binary loads (${llama.buildType}, ${llama.cpuMathCores} math cores)`);
await llama.dispose();
