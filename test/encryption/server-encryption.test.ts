import { skipUnless } from '../_services.js';
import { encryptionScenarios } from './_encryption-scenarios.js';

encryptionScenarios('mysql', await skipUnless('mariadb'), 500);
encryptionScenarios('postgres', await skipUnless('postgres'), 500);
encryptionScenarios('redis', await skipUnless('redis'), 500);
encryptionScenarios('dynamodb', false, 500);
