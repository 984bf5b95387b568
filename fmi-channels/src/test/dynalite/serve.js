// Runs dynalite's command line (same arguments), except that a client dropping a request before its
// body arrived costs that request only. dynalite's request handler rethrows the socket's 'aborted'
// error, which ends the whole server: on a loaded machine the AWS SDK gives up on a slow call and
// closes its connection, and every test after that one then failed to reach the server.
process.on('uncaughtException', function (err) {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client dropped a request (' + err.message + '); still serving')
    return
  }
  console.error(err)
  process.exit(1)
})
require('./node_modules/dynalite/cli.js')
