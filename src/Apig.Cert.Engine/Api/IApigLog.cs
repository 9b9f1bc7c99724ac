namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// Where the engine reports what it does. Called from any thread; implementations queue the lines and the
    /// cmdlet writes them from the pipeline thread. Messages are already redacted.
    /// </summary>
    public interface IApigLog
    {
        void Verbose(string message);

        void Debug(string message);
    }
}
