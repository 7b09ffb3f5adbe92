package io.github.twofa.testprovider;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;

/** See {@link TestClockResourceProviderFactory}. */
public class TestClockResource {

    @POST
    @Path("set")
    public Response set(@QueryParam("offset") int offset) {
        Time.setOffset(offset);
        return Response.noContent().build();
    }
}
