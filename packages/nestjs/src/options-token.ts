/**
 * The injection token of the module's options (`{ auth, via?, routes? }`), for a provider that needs the
 * `Auth` object the module was given.
 *
 * @example constructor(@Inject(PORTCULLIS_OPTIONS) private readonly options: PortcullisModuleOptions) {}
 */
export const PORTCULLIS_OPTIONS = 'PORTCULLIS_OPTIONS';
