namespace Apig.Cert.Engine.Http
{
    /// <summary>How an attempt failed without an answer; the wording of logs and errors and the retry decision depend on it.</summary>
    internal enum AttemptFailureKind
    {
        /// <summary>The attempt got an answer.</summary>
        None,

        /// <summary>No complete answer within the timeout.</summary>
        TimedOut,

        /// <summary>HttpClient reported the failure (no connection, TLS, a connection closed before the answer).</summary>
        ConnectionFailed,

        /// <summary>The connection broke while the body was read.</summary>
        ConnectionBroke,

        /// <summary>The body did not decompress: garbage on the wire, as good as a broken connection.</summary>
        Undecompressable,
    }
}
