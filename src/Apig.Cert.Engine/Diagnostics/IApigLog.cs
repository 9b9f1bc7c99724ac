namespace Apig.Cert.Engine.Diagnostics
{
    /// <summary>
    /// Where the engine reports what it does. Called from any thread; implementations queue the lines and the
    /// cmdlet writes them from the pipeline thread. Messages are already redacted.
    /// </summary>
    public interface IApigLog
    {
        /// <summary>False when nobody will read Verbose lines: the engine then does not build them.</summary>
        bool IsVerboseEnabled { get; }

        /// <summary>False when nobody will read Debug lines: redacting every request and response body is not free.</summary>
        bool IsDebugEnabled { get; }

        void Verbose(string message);

        void Debug(string message);
    }
}
