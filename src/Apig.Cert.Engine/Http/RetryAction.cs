namespace Apig.Cert.Engine.Http
{
    /// <summary>What the pipeline does after an attempt; see <see cref="RetryPolicy"/>.</summary>
    internal enum RetryAction
    {
        /// <summary>The answer is final: a success, or an error that would only come again.</summary>
        ReturnResponse,

        /// <summary>A DELETE repeated after an ambiguous failure found nothing to delete: the first one took effect.</summary>
        RepeatedDeleteFoundNothing,

        /// <summary>Reading the state showed the change was made although no good answer came.</summary>
        ReturnApplied,

        /// <summary>A change request may have taken effect: read the state before deciding.</summary>
        ConfirmFirst,

        /// <summary>Wait, then send again.</summary>
        Retry,

        /// <summary>No attempts left, or repeating is unsafe: report the last answer or failure.</summary>
        GiveUp,
    }
}
