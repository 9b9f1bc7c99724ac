using System.Collections.Concurrent;
using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert
{
    /// <summary>
    /// The engine reports from whatever thread an await resumed on; PowerShell streams may only be written from the
    /// pipeline thread. Lines wait here until the cmdlet drains them; each one wakes the pipeline thread if it is waiting.
    /// </summary>
    internal sealed class PipelineLog : IApigLog
    {
        private readonly ConcurrentQueue<LogLine> _lines = new ConcurrentQueue<LogLine>();
        private readonly PipelineSignal _wake;

        public PipelineLog(bool isVerboseEnabled, bool isDebugEnabled, PipelineSignal wake)
        {
            IsVerboseEnabled = isVerboseEnabled;
            IsDebugEnabled = isDebugEnabled;
            _wake = wake;
        }

        public bool IsVerboseEnabled { get; }

        public bool IsDebugEnabled { get; }

        public void Verbose(string message)
        {
            if (IsVerboseEnabled)
            {
                _lines.Enqueue(new LogLine(true, message));
                _wake.Set();
            }
        }

        public void Debug(string message)
        {
            if (IsDebugEnabled)
            {
                _lines.Enqueue(new LogLine(false, message));
                _wake.Set();
            }
        }

        public void Drain(PSCmdlet cmdlet)
        {
            while (TryTake(out LogLine line))
            {
                if (line.IsVerbose)
                {
                    StreamWriter.Verbose(cmdlet, line.Message);
                }
                else
                {
                    StreamWriter.Debug(cmdlet, line.Message);
                }
            }
        }

        /// <summary>The oldest line not yet written, if any.</summary>
        public bool TryTake(out LogLine line) => _lines.TryDequeue(out line);
    }

    internal readonly struct LogLine
    {
        public LogLine(bool isVerbose, string message)
        {
            IsVerbose = isVerbose;
            Message = message;
        }

        public bool IsVerbose { get; }

        public string Message { get; }
    }
}
