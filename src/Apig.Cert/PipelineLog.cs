using System.Collections.Concurrent;
using System.Management.Automation;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert
{
    /// <summary>
    /// The engine reports from whatever thread an await resumed on; PowerShell streams may only be written from the
    /// pipeline thread. Lines wait here until the cmdlet drains them.
    /// </summary>
    internal sealed class PipelineLog : IApigLog
    {
        private readonly ConcurrentQueue<LogLine> _lines = new ConcurrentQueue<LogLine>();

        public PipelineLog(bool isVerboseEnabled, bool isDebugEnabled)
        {
            IsVerboseEnabled = isVerboseEnabled;
            IsDebugEnabled = isDebugEnabled;
        }

        public bool IsVerboseEnabled { get; }

        public bool IsDebugEnabled { get; }

        public void Verbose(string message)
        {
            if (IsVerboseEnabled)
            {
                _lines.Enqueue(new LogLine(true, message));
            }
        }

        public void Debug(string message)
        {
            if (IsDebugEnabled)
            {
                _lines.Enqueue(new LogLine(false, message));
            }
        }

        public void Drain(PSCmdlet cmdlet)
        {
            while (_lines.TryDequeue(out LogLine line))
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

        private readonly struct LogLine
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
}
