// A dynalite (in memory) for the DynamoDB bench, in a process of its own so its work is not measured with the
// client's: prints its port, and stops when its parent closes its stdin.
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
