using System;

namespace Apig.Cert.Engine.Http
{
    /// <summary>Backoff parameters; tests shrink them so retry behaviour can be checked in milliseconds.</summary>
    internal sealed class RetryTiming
    {
        public static readonly RetryTiming Default = new RetryTiming(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

        private static readonly Random Jitter = new Random();

        public RetryTiming(TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan maxRetryAfter)
        {
            BaseDelay = baseDelay;
            MaxDelay = maxDelay;
            MaxRetryAfter = maxRetryAfter;
        }

        public TimeSpan BaseDelay { get; }

        public TimeSpan MaxDelay { get; }

        public TimeSpan MaxRetryAfter { get; }

        /// <summary>The ceiling of the wait before retry number <paramref name="retry"/> (1-based): base * 2^(retry-1), capped.</summary>
        public TimeSpan BackoffCeiling(int retry)
        {
            double ms = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, retry - 1));
            return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
        }

        /// <summary>Full jitter: uniform in [0, ceiling], so many parallel clients do not retry in lockstep.</summary>
        public TimeSpan Backoff(int retry)
        {
            double fraction;
            lock (Jitter)
            {
                fraction = Jitter.NextDouble();
            }

            return TimeSpan.FromMilliseconds(BackoffCeiling(retry).TotalMilliseconds * fraction);
        }

        public TimeSpan CapRetryAfter(TimeSpan requested)
        {
            if (requested < TimeSpan.Zero) return TimeSpan.Zero;
            return requested > MaxRetryAfter ? MaxRetryAfter : requested;
        }
    }
}
