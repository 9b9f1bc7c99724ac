using System.Management.Automation;

namespace Apig.Cert
{
    /// <summary>
    /// Where a batch writes. The cmdlet implements it; every call comes on the pipeline thread (the thread that calls
    /// the runner), so the runner itself needs no PSCmdlet.
    /// </summary>
    internal interface IBatchSink
    {
        /// <summary>One item's outcome, exactly once per item.</summary>
        void Write(ItemOutcome outcome);

        void Progress(ProgressRecord record);

        /// <summary>Writes the log lines queued so far.</summary>
        void DrainLog();
    }
}
