using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

public class AttemptDeadlineTests
{
    [Fact]
    public void ACancellationByTheCallerIsNoTimeout()
    {
        using var caller = new CancellationTokenSource();
        using var deadline = AttemptDeadline.Start(Timeout.InfiniteTimeSpan, caller.Token);

        Assert.False(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.IsTimeout);

        caller.Cancel();

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.IsTimeout);
    }
}
