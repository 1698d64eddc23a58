package dev.sinkhub.services.flume;

import java.util.List;
import javax.servlet.http.HttpServletRequest;
import org.apache.flume.Event;
import org.apache.flume.source.http.HTTPBadRequestException;
import org.apache.flume.source.http.JSONHandler;

/**
 * Flume's JSONHandler, refusing any request that holds an event with a `refuse` header, the way
 * a validating handler refuses requests with one event it does not accept: the HTTP source
 * answers 400 and puts none of the request's events in its channel. The flume connector's suite
 * uses it to check that the refused events are found and dead-lettered and the others written.
 */
public class RefusingJSONHandler extends JSONHandler {
  @Override
  public List<Event> getEvents(HttpServletRequest request) throws Exception {
    List<Event> events = super.getEvents(request);
    for (Event event : events) {
      String reason = event.getHeaders().get("refuse");
      if (reason != null) throw new HTTPBadRequestException("event refused: " + reason);
    }
    return events;
  }
}
