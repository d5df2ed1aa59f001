import { encryptionScenarios } from './_encryption-scenarios.js';

encryptionScenarios('file', false);
encryptionScenarios('sqlite', false);
