using System.Threading;

namespace Apig.Cert
{
    /// <summary>
    /// The one thing the pipeline thread sleeps on while engine work runs: set by a queued log line, a finished item, a
    /// progress tick and Ctrl+C. The waiter then looks at every source itself, so several sets before it wakes count as
    /// one, and a set while it is busy makes its next wait return at once: nothing is lost and nothing polls.
    /// <para>A lock and a flag rather than a wait handle: nothing to dispose, so a task that finishes after its command
    /// ended can still set it safely.</para>
    /// </summary>
    internal sealed class PipelineSignal
    {
        private readonly object _lock = new object();
        private bool _set;

        public void Set()
        {
            lock (_lock)
            {
                _set = true;
                Monitor.Pulse(_lock);
            }
        }

        /// <summary>Returns once the signal was set since the last wait ended.</summary>
        public void Wait()
        {
            lock (_lock)
            {
                while (!_set)
                {
                    Monitor.Wait(_lock);
                }

                _set = false;
            }
        }
    }
}
